using FaxGateway.Documents.Rendering;
using FaxGateway.Imaging;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Documents.Tests;

/// <summary>A resumed send stamps the pages it sends with their numbers in the whole document.</summary>
public sealed class HeaderPageNumberTests
{
    private static readonly PageHeaderFields Fields = new() { SenderNumber = "+49 30 1234567", JobId = "job-7" };

    private static PageHeaderLine Header() =>
        new(PageHeaderLine.DefaultFormat, TimeZoneInfo.Utc, new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 18, 30, 0, TimeSpan.Zero)));

    private static PageRaster Page() => new(1728, 400, 204, 196);

    [Fact]
    public void Pages_stamped_from_page_3_of_4_carry_the_document_numbers()
    {
        var resumed = new[] { Page(), Page() };
        Header().Stamp(resumed, Fields with { FirstPage = 3, DocumentPages = 4 });

        var whole = Enumerable.Range(0, 4).Select(_ => Page()).ToArray();
        Header().Stamp(whole, Fields);

        Assert.Equal(whole[2].Pixels, resumed[0].Pixels);
        Assert.Equal(whole[3].Pixels, resumed[1].Pixels);
        Assert.NotEqual(whole[0].Pixels, resumed[0].Pixels);
        Assert.Equal("2026-11-22 18:30|From:  +49 30 1234567|Page 3 of 4", Header().Format(Fields, 3, 4));
    }

    [Fact]
    public void Without_a_document_count_the_total_follows_the_first_page()
    {
        var resumed = new[] { Page() };
        Header().Stamp(resumed, Fields with { FirstPage = 2 });

        var expected = Page();
        Header().Stamp(expected, Fields, 2, 2);
        Assert.Equal(expected.Pixels, resumed[0].Pixels);
    }

    [Fact]
    public void A_first_page_below_1_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Header().Stamp([Page()], Fields with { FirstPage = 0 }));
    }
}
